/*
 * prep.h - what the emergency preparedness modules of src/field/ share
 * (plans, the contact tree, supplies, drills; issue 8, item 1): the seven
 * hazards, the actor of a write, calendar dates and the text checks.
 *
 * Dates are "YYYY-MM-DD" strings of the proleptic Gregorian calendar, and
 * "today" is the date in China (UTC+8): an expiry date is a calendar day,
 * not an instant, so two dates are compared by their day numbers.
 */
#ifndef LINLI_FIELD_PREP_H
#define LINLI_FIELD_PREP_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who writes, for the audit log and "by" columns; strings may be NULL. */
struct prep_actor {
	int64_t user_id;
	const char *name; /* display name, else username */
	const char *ip;
};

enum { PREP_HAZARDS = 7 };

/* The hazards by code: flood, fire, epidemic, earthquake, heat_wave,
 * gas_leak, power_cut; with their names. */
extern const char *const prep_hazards[PREP_HAZARDS];
bool prep_hazard_valid(const char *code);
/* Chinese and English names of a valid code; NULL otherwise. */
const char *prep_hazard_zh(const char *code);
const char *prep_hazard_en(const char *code);

/* True when s is a valid "YYYY-MM-DD" date (month lengths, leap years). */
bool prep_date_valid(const char *s);
/* The day number of a valid date (days since 1970-01-01). */
int64_t prep_day_number(const char *date);
/* Today in China (UTC+8) at the UTC instant now, as "YYYY-MM-DD". */
void prep_today(char out[11], int64_t now);

/* 0 when s has 1..max characters (min 0 when empty_ok), is valid UTF-8 and
 * has no control characters; else ERR_INVALID naming field. */
int prep_text_check(const char *s, size_t max, bool empty_ok, const char *field, struct err *e);

/* snprintf for field paths ("roles[2].tasks.during[0]"): truncates
 * quietly, as err.field would anyway. */
void prep_path(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
