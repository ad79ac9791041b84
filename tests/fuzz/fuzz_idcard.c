/*
 * fuzz_idcard.c - libFuzzer driver for the field validators and masks of
 * the register (src/registry/idcard.c, phone.c, mask.c): what every imported
 * or typed ID number, phone and name goes through.
 *
 * The input is copied into a buffer of exactly its size, then:
 *   - idcard_normalize (today 2024-06-15): a refusal is ERR_INVALID, field
 *     "id_number", a non-empty UTF-8 message, and out untouched; a success
 *     is 17 digits and the right check character, a region whose first digit
 *     is 1-8, a real birth date from 19000101 to today, and normalising it
 *     again gives it back;
 *   - phone_normalize: the same contract for "phone"; a success is 11
 *     digits, 1 then 3-9, and a fixed point;
 *   - the masks: always valid UTF-8, never longer than the input, and the
 *     masked ID number of a normalised one is 6 + 8 stars + 4.
 */
#include "core/utf8.h"
#include "registry/idcard.h"
#include "registry/mask.h"
#include "registry/phone.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { TODAY = 20240615 };

static void check_refusal(const struct err *e, const char *field)
{
	if (e->code != ERR_INVALID || !e->message[0] || strcmp(e->field, field) != 0)
		abort();
	if (!utf8_valid(e->message, strlen(e->message)))
		abort();
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void check_id(const char *buf, size_t size)
{
	char out[IDCARD_LEN + 1] = "untouched", again[IDCARD_LEN + 1];
	struct err e = ERR_INIT;

	if (idcard_normalize(out, buf, size, TODAY, &e) < 0) {
		check_refusal(&e, "id_number");
		if (strcmp(out, "untouched") != 0)
			abort();
		return;
	}
	if (err_is_set(&e) || strlen(out) != IDCARD_LEN || !all_digits(out, 17))
		abort();
	if (idcard_check_char(out) != out[17] || out[0] < '1' || out[0] > '8')
		abort();
	int32_t birth = idcard_birth(out);
	int m = birth / 100 % 100, d = birth % 100;
	if (birth < IDCARD_MIN_BIRTH || birth > TODAY || m < 1 || m > 12 || d < 1 || d > 31)
		abort();
	if (idcard_gender(out) != IDCARD_MALE && idcard_gender(out) != IDCARD_FEMALE)
		abort();
	if (idcard_normalize(again, out, IDCARD_LEN, TODAY, &e) != 0 || strcmp(out, again) != 0)
		abort();

	struct arena a = ARENA_INIT;
	const char *m18 = mask_id_number(&a, out, IDCARD_LEN);
	if (strncmp(m18, out, 6) != 0 || strcmp(m18 + 14, out + 14) != 0 ||
	    strncmp(m18 + 6, "********", 8) != 0 || strlen(m18) != IDCARD_LEN)
		abort();
	arena_release(&a);
}

static void check_phone(const char *buf, size_t size)
{
	char out[PHONE_LEN + 1] = "untouched", again[PHONE_LEN + 1];
	struct err e = ERR_INIT;

	if (phone_normalize(out, buf, size, &e) < 0) {
		check_refusal(&e, "phone");
		if (strcmp(out, "untouched") != 0)
			abort();
		return;
	}
	if (err_is_set(&e) || strlen(out) != PHONE_LEN || !all_digits(out, PHONE_LEN))
		abort();
	if (out[0] != '1' || out[1] < '3')
		abort();
	if (phone_normalize(again, out, PHONE_LEN, &e) != 0 || strcmp(out, again) != 0)
		abort();
}

static void check_mask(const char *m, size_t size)
{
	size_t n = strlen(m);
	if (n > size || !utf8_valid(m, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	char *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);

	check_id(buf, size);
	check_phone(buf, size);
	check_mask(mask_name(&a, buf, size), size);
	check_mask(mask_phone(&a, buf, size), size);
	check_mask(mask_id_number(&a, buf, size), size);
	size_t keep = size ? (unsigned char)buf[0] % 8 : 0;
	check_mask(mask_tail(&a, buf, size, keep), size);
	check_mask(mask_middle(&a, buf, size, keep, keep / 2), size);

	arena_release(&a);
	free(buf);
	return 0;
}
