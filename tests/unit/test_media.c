/*
 * Media type detection, API.md Appendix A: each rule with a file it
 * accepts and one it refuses, ftyp brands major and compatible, and
 * files too short to decide.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "media.h"
#include "unit.h"

/*
 * An ftyp box of `size' (0 to write the real size) with major brand and
 * compatible brands (a string of 4-byte entries), then `tail'.
 */
static size_t
ftyp(unsigned char *b, unsigned long size, const char *major,
    const char *compat, const char *tail)
{
	size_t	 n, clen = strlen(compat), tlen = strlen(tail);

	n = 16 + clen;
	if (size == 0)
		size = n;
	b[0] = size >> 24;
	b[1] = size >> 16;
	b[2] = size >> 8;
	b[3] = size;
	memcpy(b + 4, "ftyp", 4);
	memcpy(b + 8, major, 4);
	memcpy(b + 12, "\0\0\2\0", 4);
	memcpy(b + 16, compat, clen);
	memcpy(b + n, tail, tlen);
	return n + tlen;
}

static void
test_magic(void)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*mime, *ext, *kind;
	} c[] = {
		{ "\xff\xd8\xff\xe0\0\x10JFIF", 10, "image/jpeg", "jpg",
		    "image" },
		{ "\xff\xd8\xff", 3, "image/jpeg", "jpg", "image" },
		{ "\xff\xd8", 2, NULL, NULL, NULL },
		{ "\xff\xd9\xff\xe0", 4, NULL, NULL, NULL },
		{ "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "image/png", "png",
		    "image" },
		{ "\x89PNG\r\n\x1a", 7, NULL, NULL, NULL },
		{ "\x89PNG\n\n\x1a\n", 8, NULL, NULL, NULL },
		{ "GIF87a\1\0", 8, "image/gif", "gif", "image" },
		{ "GIF89a", 6, "image/gif", "gif", "image" },
		{ "GIF88a\1\0", 8, NULL, NULL, NULL },
		{ "GIF89", 5, NULL, NULL, NULL },
		{ "RIFF\x24\0\0\0WEBPVP8 ", 16, "image/webp", "webp",
		    "image" },
		{ "RIFF\x24\0\0\0WAVEfmt ", 16, NULL, NULL, NULL },
		{ "RIFF\x24\0\0\0WEB", 11, NULL, NULL, NULL },
		{ "\0\0\0\x08moov\0\0", 10, "video/quicktime", "mov",
		    "video" },
		{ "\0\0\0\x08mdat", 8, "video/quicktime", "mov", "video" },
		{ "\0\0\0\x08wide", 8, "video/quicktime", "mov", "video" },
		{ "\0\0\0\x08" "free", 8, "video/quicktime", "mov", "video" },
		{ "\0\0\0\x08skip", 8, "video/quicktime", "mov", "video" },
		{ "\0\0\0\x08pnot", 8, "video/quicktime", "mov", "video" },
		{ "\0\0\0\x08moof", 8, NULL, NULL, NULL },
		{ "\0\0\0\x08moo", 7, NULL, NULL, NULL },
		{ "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41, NULL,
		    NULL, NULL },
		{ "<?xml version=\"1.0\"?><svg/>", 27, NULL, NULL, NULL },
		{ "%PDF-1.7\n", 9, NULL, NULL, NULL },
		{ "<!DOCTYPE html><html>", 21, NULL, NULL, NULL },
		{ "hello, world\n", 13, NULL, NULL, NULL },
		{ "ID3\4\0\0\0\0\0\0", 10, NULL, NULL, NULL },
		{ "", 0, NULL, NULL, NULL },
	};
	struct media_type	 mt;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&mt, 0, sizeof(mt));
		rc = media_detect((const unsigned char *)c[i].bytes, c[i].len,
		    &mt);
		if (c[i].mime == NULL) {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NULL(mt.mime);
			continue;
		}
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0) {
			fprintf(stderr, "media case %zu refused\n", i);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(mt.mime, c[i].mime);
		CU_ASSERT_STRING_EQUAL(mt.ext, c[i].ext);
		CU_ASSERT_STRING_EQUAL(mt.kind, c[i].kind);
	}
}

static void
test_ftyp(void)
{
	static const struct {
		unsigned long	 size;
		const char	*major, *compat, *tail;
		size_t		 cut;	/* bytes given: 0 for all */
		const char	*mime;
	} c[] = {
		{ 0, "qt  ", "qt  ", "", 0, "video/quicktime" },
		{ 0, "qt  ", "", "", 12, "video/quicktime" },
		{ 0, "isom", "isomiso2avc1mp41", "", 0, "video/mp4" },
		{ 0, "iso2", "", "", 0, "video/mp4" },
		{ 0, "iso3", "", "", 0, "video/mp4" },
		{ 0, "iso4", "", "", 0, "video/mp4" },
		{ 0, "iso5", "", "", 0, "video/mp4" },
		{ 0, "iso6", "", "", 0, "video/mp4" },
		{ 0, "mp41", "", "", 0, "video/mp4" },
		{ 0, "mp42", "", "", 12, "video/mp4" },
		{ 0, "avc1", "", "", 0, "video/mp4" },
		{ 0, "M4V ", "", "", 0, "video/mp4" },
		{ 0, "dash", "", "", 0, "video/mp4" },
		{ 0, "MSNV", "", "", 0, "video/mp4" },
		{ 0, "mmp4", "", "", 0, "video/mp4" },
		{ 0, "f4v ", "", "", 0, "video/mp4" },
		/* Unknown major brand: the compatible brands decide. */
		{ 0, "XXXX", "isom", "", 0, "video/mp4" },
		{ 0, "3gp4", "3gp4heicmp42", "", 0, "video/mp4" },
		{ 0, "XXXX", "heic", "", 0, NULL },
		{ 0, "XXXX", "", "", 0, NULL },
		{ 0, "XXXX", "qt  ", "", 0, NULL },
		/* Compatible brands end with the box, and with the data. */
		{ 16, "XXXX", "", "isom", 0, NULL },
		{ 20, "XXXX", "heicisom", "", 0, NULL },
		{ 24, "XXXX", "heicisom", "", 0, "video/mp4" },
		{ 0, "XXXX", "heicisom", "", 23, NULL },
		{ 0, "XXXX", "heicisom", "", 24, "video/mp4" },
		{ 4096, "XXXX", "heicisom", "", 0, "video/mp4" },
		{ 8, "XXXX", "isom", "", 0, NULL },
		/* Refused major brands, whatever they claim to be. */
		{ 0, "heic", "mif1heicisom", "", 0, NULL },
		{ 0, "heix", "isom", "", 0, NULL },
		{ 0, "hevc", "isom", "", 0, NULL },
		{ 0, "mif1", "mif1heic", "", 0, NULL },
		{ 0, "msf1", "isom", "", 0, NULL },
		{ 0, "avif", "avifmif1miafMA1B", "", 0, NULL },
		{ 0, "M4A ", "M4A mp42isom", "", 0, NULL },
		{ 0, "M4B ", "mp42", "", 0, NULL },
		{ 0, "M4P ", "mp42", "", 0, NULL },
		{ 0, "crx ", "isom", "", 0, NULL },
		/* Too short to hold a major brand. */
		{ 0, "isom", "", "", 11, NULL },
	};
	unsigned char		 b[256];
	struct media_type	 mt;
	size_t			 i, len;
	int			 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		len = ftyp(b, c[i].size, c[i].major, c[i].compat, c[i].tail);
		if (c[i].cut > 0)
			len = c[i].cut;
		memset(&mt, 0, sizeof(mt));
		rc = media_detect(b, len, &mt);
		if (c[i].mime == NULL) {
			CU_ASSERT_EQUAL(rc, -1);
			if (rc != -1)
				fprintf(stderr, "ftyp case %zu accepted\n", i);
			continue;
		}
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0) {
			fprintf(stderr, "ftyp case %zu refused\n", i);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(mt.mime, c[i].mime);
		CU_ASSERT_STRING_EQUAL(mt.kind, "video");
		CU_ASSERT_STRING_EQUAL(mt.ext,
		    strcmp(c[i].mime, "video/mp4") == 0 ? "mp4" : "mov");
	}
}

void
test_media_suite(void)
{
	CU_pSuite	 s = CU_add_suite("media", NULL, NULL);

	UNIT_ADD(s, "magic numbers", test_magic);
	UNIT_ADD(s, "ftyp brands", test_ftyp);
}
