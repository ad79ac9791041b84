/*
 * mask.c - see mask.h.
 *
 * The output is never longer than the input, so one allocation of len + 1
 * bytes always suffices: a shown character is copied as it is, a hidden one
 * (1-4 bytes) becomes one '*', and an invalid input one '*' per byte.
 */
#include "registry/mask.h"

#include "core/utf8.h"

#include <stdbool.h>
#include <string.h>

/* Bytes of the character starting at s[i] (s valid UTF-8). */
static size_t char_len(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;
	while (j < len && ((unsigned char)s[j] & 0xc0) == 0x80)
		j++;
	return j - i;
}

static char *all_stars(struct arena *a, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	memset(out, '*', n);
	out[n] = '\0';
	return out;
}

char *mask_middle(struct arena *a, const char *s, size_t len, size_t head, size_t tail)
{
	if (!utf8_valid(s, len))
		return all_stars(a, len);
	size_t chars = utf8_count(s, len);
	if (chars <= head || chars - head <= tail)
		return all_stars(a, chars);

	char *out = arena_alloc(a, len + 1), *o = out;
	size_t i = 0;
	for (size_t k = 0; k < chars; k++) {
		size_t n = char_len(s, len, i);
		if (k < head || k >= chars - tail) {
			memcpy(o, s + i, n);
			o += n;
		} else {
			*o++ = '*';
		}
		i += n;
	}
	*o = '\0';
	return out;
}

char *mask_tail(struct arena *a, const char *s, size_t len, size_t keep)
{
	return mask_middle(a, s, len, keep, 0);
}

char *mask_id_number(struct arena *a, const char *s, size_t len)
{
	return mask_middle(a, s, len, 6, 4);
}

char *mask_phone(struct arena *a, const char *s, size_t len)
{
	return mask_middle(a, s, len, 3, 4);
}

/* The common compound surnames (复姓), each two characters of 3 bytes. */
static bool compound_surname(const char *s, size_t len)
{
	static const char *const names[] = {
		"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
		"长孙", "宇文", "司徒", "司空", "夏侯", "轩辕", "令狐", "钟离", "闾丘",
		"端木", "西门", "南宫", "独孤", "百里", "呼延", "赫连", "澹台", "太史",
		"申屠", "公羊", "万俟", "拓跋", "淳于", "单于", "东郭", "第五", "左丘",
		"谷梁", "濮阳", "公冶", "宗政", "亓官", "仲孙", "羊舌", "微生", "梁丘",
		"乐正", "壤驷", "漆雕", "巫马", "子车", "颛孙", "鲜于", "司寇", "歐陽",
		"諸葛", "司馬", "東方", "長孫", "軒轅", "鍾離", "閭丘", "南宮", "獨孤",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (len >= n && memcmp(s, names[i], n) == 0)
			return true;
	}
	return false;
}

char *mask_name(struct arena *a, const char *s, size_t len)
{
	size_t keep = 1;
	if (utf8_valid(s, len) && utf8_count(s, len) >= 3 && compound_surname(s, len))
		keep = 2;
	return mask_tail(a, s, len, keep);
}
