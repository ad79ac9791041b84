/*
 * json.c - see json.h.
 *
 * jansson already refuses invalid UTF-8 and (with JSON_REJECT_DUPLICATES)
 * duplicate keys; this file adds the field table and the error wording.
 */
#include "core/json.h"

#include "core/utf8.h"

#include <stdio.h>
#include <string.h>

json_t *json_parse_object(const char *body, size_t len, struct err *e)
{
	json_error_t je;
	json_t *v;

	if (len == 0) {
		err_set(e, ERR_INVALID, NULL, "request body is empty; expected a JSON object");
		return NULL;
	}
	if (!utf8_valid(body, len)) {
		err_set(e, ERR_INVALID, NULL, "request body is not valid UTF-8");
		return NULL;
	}
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!v) {
		/* jansson stops just after the repeated key (its closing quote is
		 * at position - 1); its message quotes only short keys. */
		size_t end = je.position > 0 ? (size_t)je.position - 1 : 0, start = end;
		bool dup = !strncmp(je.text, "duplicate object key", 20) && end < len &&
			   body[end] == '"';
		while (dup && start > 0 && body[start - 1] != '"')
			start--;
		if (dup && start > 0 && !memchr(body + start, '\\', end - start)) {
			char key[64];
			size_t n = end - start < sizeof(key) ? end - start : sizeof(key) - 1;
			memcpy(key, body + start, n);
			key[n] = '\0';
			err_set(e, ERR_INVALID, key, "duplicate key: %s", key);
		} else if (dup) {
			err_set(e, ERR_INVALID, NULL, "duplicate key at line %d column %d", je.line,
				je.column);
		} else {
			err_set(e, ERR_INVALID, NULL, "malformed JSON at line %d column %d", je.line,
				je.column);
		}
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		err_set(e, ERR_INVALID, NULL, "expected a JSON object");
		return NULL;
	}
	return v;
}

static const struct jfield *find(const struct jfield *fields, size_t n,
				 const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fields[i].name, key))
			return &fields[i];
	return NULL;
}

static int take_one(const struct jfield *f, json_t *v, struct arena *a,
		    struct err *e)
{
	switch (f->type) {
	case JF_STRING: {
		if (!json_is_string(v))
			return err_set(e, ERR_INVALID, f->name, "%s must be a string", f->name);
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);
		if (memchr(s, '\0', len) || utf8_has_control(s, len))
			return err_set(e, ERR_INVALID, f->name,
				       "%s must not contain control characters", f->name);
		size_t chars = utf8_count(s, len);
		if ((int64_t)chars < f->min)
			return err_set(e, ERR_INVALID, f->name, "%s must have at least %lld characters",
				       f->name, (long long)f->min);
		if ((int64_t)chars > f->max)
			return err_set(e, ERR_INVALID, f->name, "%s must have at most %lld characters",
				       f->name, (long long)f->max);
		if (f->out)
			*(const char **)f->out = arena_strndup(a, s, len);
		return 0;
	}
	case JF_INT: {
		if (!json_is_integer(v))
			return err_set(e, ERR_INVALID, f->name, "%s must be an integer", f->name);
		json_int_t x = json_integer_value(v);
		if (x < f->min || x > f->max)
			return err_set(e, ERR_INVALID, f->name, "%s must be between %lld and %lld",
				       f->name, (long long)f->min, (long long)f->max);
		if (f->out)
			*(int64_t *)f->out = x;
		return 0;
	}
	case JF_INTS: {
		if (!json_is_array(v))
			return err_set(e, ERR_INVALID, f->name, "%s must be an array of integers",
				       f->name);
		size_t n = json_array_size(v);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return err_set(e, ERR_INVALID, f->name, "%s must have %lld to %lld items",
				       f->name, (long long)f->min, (long long)f->max);
		struct jints out = { arena_alloc(a, (n ? n : 1) * sizeof(int64_t)), n };
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_array_get(v, i);
			if (!json_is_integer(x) || json_integer_value(x) < f->item_min ||
			    json_integer_value(x) > f->item_max)
				return err_set(e, ERR_INVALID, f->name,
					       "%s[%zu] must be an integer between %lld and %lld",
					       f->name, i, (long long)f->item_min,
					       (long long)f->item_max);
			out.v[i] = json_integer_value(x);
		}
		if (f->out)
			*(struct jints *)f->out = out;
		return 0;
	}
	case JF_BOOL:
		if (!json_is_boolean(v))
			return err_set(e, ERR_INVALID, f->name, "%s must be true or false", f->name);
		if (f->out)
			*(bool *)f->out = json_is_true(v);
		return 0;
	}
	return err_set(e, ERR_INTERNAL, f->name, "unknown field type");
}

int json_take(json_t *obj, const struct jfield *fields, size_t n,
	      struct arena *a, struct err *e)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return err_set(e, ERR_INVALID, NULL, "expected a JSON object");
	json_object_foreach(obj, key, v) {
		if (!find(fields, n, key))
			return err_set(e, ERR_INVALID, key, "unknown field: %s", key);
	}
	for (size_t i = 0; i < n; i++) {
		v = json_object_get(obj, fields[i].name);
		if (fields[i].present)
			*fields[i].present = v && !json_is_null(v);
		if (!v || json_is_null(v)) {
			if (fields[i].required)
				return err_set(e, ERR_INVALID, fields[i].name, "%s is required",
					       fields[i].name);
			continue;
		}
		if (take_one(&fields[i], v, a, e) < 0)
			return -1;
	}
	return 0;
}

char *json_encode(const json_t *v, size_t *len)
{
	char *s = json_dumps(v, JSON_COMPACT);
	if (!s)
		die_oom();
	if (len)
		*len = strlen(s);
	return s;
}
