/*
 * EIP-712 hashing of a client's typedData.  The `types' object is read
 * once into a table of struct types whose member types are parsed into
 * a base (atomic type or struct index) and array dimensions, so that
 * every type name is checked before any value is, and a reference to an
 * undefined struct fails even in a member the message leaves out.
 * Values are then hashed on the way down: a struct is keccak256 of its
 * type hash and its members' 32-byte encodings, an array keccak256 of
 * its elements', both streamed through an incremental Keccak so nothing
 * larger than a digest is kept per level.  Recursive struct types are
 * allowed (a missing or null struct encodes as zeros, which ends them);
 * the depth limit bounds the recursion, and since every element hashed
 * is a JSON value of the request the work is linear in its size.  The
 * EIP712Domain type is derived from the domain's members, in ethers'
 * order, unless the client defines it.  Integers are held as 256-bit
 * big-endian byte strings, two's complement once signed.  Strings of
 * `types' are borrowed from the JSON, which outlives the computation.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eip712.h"
#include "enc.h"
#include "keccak.h"
#include "verr.h"

#define EIP712_TEXT_MAX	(1 << 20)	/* ceiling of an encodeType text */
#define EIP712_SAFE	9007199254740991LL	/* 2^53 - 1 */

enum eip712_kind {
	EIP712_ADDRESS,
	EIP712_BOOL,
	EIP712_STRING,
	EIP712_BYTES,
	EIP712_BYTESN,		/* ft_n bytes */
	EIP712_UINT,		/* ft_n bits */
	EIP712_INT,		/* ft_n bits */
	EIP712_STRUCT,		/* ft_n: index into x_t */
};

/* A parsed member type: base, then array suffixes, innermost first. */
struct eip712_ftype {
	enum eip712_kind	 ft_kind;
	int			 ft_n;
	int			 ft_ndims;
	int			 ft_dims[EIP712_DEPTH];	/* -1: any length */
};

struct eip712_member {
	const char		*m_name;
	const char		*m_type;
	struct eip712_ftype	 m_ft;
};

struct eip712_type {
	const char		*t_name;
	struct eip712_member	*t_m;		/* t_nm, malloc'd */
	size_t			 t_nm;
	int			 t_hashed;	/* t_hash is valid */
	unsigned char		 t_hash[32];
};

struct eip712 {
	struct eip712_type	 x_t[EIP712_TYPES + 1];	/* + derived domain */
	size_t			 x_nt;
	int			 x_domain;	/* index of EIP712Domain */
	char			 x_path[256];	/* of the value at hand */
	size_t			 x_plen;
	struct verr		*x_e;
};

/* A growable text with a ceiling, for encodeType. */
struct eip712_text {
	char	*tx_buf;
	size_t	 tx_len;
	size_t	 tx_cap;
};

/* ethers' order of the derived EIP712Domain members */
static const struct {
	const char	*name;
	const char	*type;
} eip712_domain_members[] = {
	{ "name",		"string" },
	{ "version",		"string" },
	{ "chainId",		"uint256" },
	{ "verifyingContract",	"address" },
	{ "salt",		"bytes32" },
};

static int	eip712_hash_struct(struct eip712 *, int, struct json_object *,
		    int, unsigned char [32]);

static int
eip712_fail(struct eip712 *x, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return verr_field(x->x_e, x->x_path, "%s", msg);
}

/* Append to the path; returns the length to restore with eip712_pop(). */
static size_t
eip712_push(struct eip712 *x, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 was = x->x_plen;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(x->x_path + was, sizeof(x->x_path) - was, fmt, ap);
	va_end(ap);
	/* a truncated path still names the start of the way there */
	if (n > 0)
		x->x_plen = strlen(x->x_path);
	return was;
}

static void
eip712_pop(struct eip712 *x, size_t was)
{
	x->x_plen = was;
	x->x_path[was] = '\0';
}

static void
eip712_free(struct eip712 *x)
{
	size_t	 i;

	for (i = 0; i < x->x_nt; i++)
		free(x->x_t[i].t_m);
}

/* Is s a struct type name: [A-Za-z_$][A-Za-z0-9_$]*? */
static int
eip712_ident(const char *s)
{
	if (*s == '\0' || isdigit((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '$')
			return 0;
	return 1;
}

/* Parse the decimal of n characters at s, no leading zero; -1 if not. */
static int
eip712_size(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	if (n == 0 || n > 4 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
eip712_find(const struct eip712 *x, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < x->x_nt; i++)
		if (strlen(x->x_t[i].t_name) == n &&
		    memcmp(x->x_t[i].t_name, s, n) == 0)
			return (int)i;
	return -1;
}

/*
 * Parse the n characters of an atomic type name into ft; -1 when it is
 * none (then perhaps a struct).
 */
static int
eip712_atomic(const char *s, size_t n, struct eip712_ftype *ft)
{
	int	 v;

	if (n == 7 && memcmp(s, "address", 7) == 0)
		ft->ft_kind = EIP712_ADDRESS;
	else if (n == 4 && memcmp(s, "bool", 4) == 0)
		ft->ft_kind = EIP712_BOOL;
	else if (n == 6 && memcmp(s, "string", 6) == 0)
		ft->ft_kind = EIP712_STRING;
	else if (n == 5 && memcmp(s, "bytes", 5) == 0)
		ft->ft_kind = EIP712_BYTES;
	else if (n > 5 && memcmp(s, "bytes", 5) == 0) {
		if ((v = eip712_size(s + 5, n - 5)) < 1 || v > 32)
			return -1;
		ft->ft_kind = EIP712_BYTESN;
		ft->ft_n = v;
	} else if (n > 4 && memcmp(s, "uint", 4) == 0) {
		if ((v = eip712_size(s + 4, n - 4)) < 8 || v > 256 || v % 8)
			return -1;
		ft->ft_kind = EIP712_UINT;
		ft->ft_n = v;
	} else if (n > 3 && memcmp(s, "int", 3) == 0) {
		if ((v = eip712_size(s + 3, n - 3)) < 8 || v > 256 || v % 8)
			return -1;
		ft->ft_kind = EIP712_INT;
		ft->ft_n = v;
	} else
		return -1;
	return 0;
}

/* Parse member type s into ft; the path names the member's "type". */
static int
eip712_parse_type(struct eip712 *x, const char *s, struct eip712_ftype *ft)
{
	const char	*p, *q;
	size_t		 base;
	int		 k;

	memset(ft, 0, sizeof(*ft));
	base = strcspn(s, "[");
	for (p = s + base; *p != '\0'; p = q + 1) {
		if (*p != '[' || (q = strchr(p, ']')) == NULL)
			return eip712_fail(x, "invalid type \"%.64s\"", s);
		if (ft->ft_ndims == EIP712_DEPTH)
			return eip712_fail(x, "too many array dimensions");
		if (q == p + 1)
			k = -1;
		else if ((k = eip712_size(p + 1, (size_t)(q - p - 1))) < 1 ||
		    k > EIP712_ELEMS)
			return eip712_fail(x, "invalid array length in "
			    "\"%.64s\"", s);
		ft->ft_dims[ft->ft_ndims++] = k;
	}
	if (eip712_atomic(s, base, ft) == 0)
		return 0;
	if ((k = eip712_find(x, s, base)) == -1)
		return eip712_fail(x, "unknown type \"%.*s\"",
		    (int)(base > 64 ? 64 : base), s);
	ft->ft_kind = EIP712_STRUCT;
	ft->ft_n = k;
	return 0;
}

/* Read one struct type's member array. */
static int
eip712_read_type(struct eip712 *x, struct eip712_type *t,
    struct json_object *arr)
{
	struct json_object	*m, *name, *type;
	struct eip712_member	*mm;
	size_t			 i, j, n, was, w2;

	if (!json_object_is_type(arr, json_type_array))
		return eip712_fail(x, "must be an array of members");
	if ((n = json_object_array_length(arr)) > EIP712_MEMBERS)
		return eip712_fail(x, "more than %d members",
		    EIP712_MEMBERS);
	if ((t->t_m = calloc(n > 0 ? n : 1, sizeof(*t->t_m))) == NULL)
		abort();
	t->t_nm = n;
	for (i = 0; i < n; i++) {
		mm = &t->t_m[i];
		was = eip712_push(x, "[%zu]", i);
		m = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(m, json_type_object))
			return eip712_fail(x, "must be an object with name "
			    "and type");
		w2 = eip712_push(x, ".name");
		if (!json_object_object_get_ex(m, "name", &name) ||
		    !json_object_is_type(name, json_type_string))
			return eip712_fail(x, "must be a string");
		mm->m_name = json_object_get_string(name);
		/* these would make encodeType ambiguous */
		if (*mm->m_name == '\0' || strlen(mm->m_name) !=
		    (size_t)json_object_get_string_len(name) ||
		    strpbrk(mm->m_name, "(), \t\r\n") != NULL)
			return eip712_fail(x, "invalid member name");
		for (j = 0; j < i; j++)
			if (strcmp(t->t_m[j].m_name, mm->m_name) == 0)
				return eip712_fail(x, "duplicate member "
				    "\"%.64s\"", mm->m_name);
		eip712_pop(x, w2);
		w2 = eip712_push(x, ".type");
		if (!json_object_object_get_ex(m, "type", &type) ||
		    !json_object_is_type(type, json_type_string))
			return eip712_fail(x, "must be a string");
		mm->m_type = json_object_get_string(type);
		if (strlen(mm->m_type) !=
		    (size_t)json_object_get_string_len(type))
			return eip712_fail(x, "invalid type");
		eip712_pop(x, w2);
		eip712_pop(x, was);
	}
	return 0;
}

/*
 * Read typedData.types and the domain's type into x: names first, so
 * that member types may refer to any struct, then the member types.
 */
static int
eip712_read_types(struct eip712 *x, struct json_object *td)
{
	struct json_object	*types, *domain, *v;
	struct eip712_type	*t;
	struct eip712_ftype	 ft;
	size_t			 i, j, was, w2, w3;

	x->x_domain = -1;
	was = eip712_push(x, ".types");
	if (!json_object_object_get_ex(td, "types", &types) ||
	    !json_object_is_type(types, json_type_object))
		return eip712_fail(x, "must be an object");
	if (json_object_object_length(types) > EIP712_TYPES)
		return eip712_fail(x, "more than %d types", EIP712_TYPES);
	json_object_object_foreach(types, key, val) {
		w2 = eip712_push(x, ".%s", key);
		t = &x->x_t[x->x_nt++];
		t->t_name = key;
		/* an atomic name would make member types ambiguous */
		if (!eip712_ident(key) ||
		    eip712_atomic(key, strlen(key), &ft) == 0)
			return eip712_fail(x, "invalid type name");
		if (strcmp(key, "EIP712Domain") == 0)
			x->x_domain = (int)(t - x->x_t);
		if (eip712_read_type(x, t, val) == -1)
			return -1;
		eip712_pop(x, w2);
	}
	for (i = 0; i < x->x_nt; i++) {
		t = &x->x_t[i];
		w2 = eip712_push(x, ".%s", t->t_name);
		for (j = 0; j < t->t_nm; j++) {
			w3 = eip712_push(x, "[%zu].type", j);
			if (eip712_parse_type(x, t->t_m[j].m_type,
			    &t->t_m[j].m_ft) == -1)
				return -1;
			eip712_pop(x, w3);
		}
		eip712_pop(x, w2);
	}
	eip712_pop(x, was);

	/* derive EIP712Domain from the members the domain has */
	was = eip712_push(x, ".domain");
	if (!json_object_object_get_ex(td, "domain", &domain) ||
	    !json_object_is_type(domain, json_type_object))
		return eip712_fail(x, "must be an object");
	eip712_pop(x, was);
	if (x->x_domain != -1)
		return 0;
	x->x_domain = (int)x->x_nt;
	t = &x->x_t[x->x_nt++];
	t->t_name = "EIP712Domain";
	if ((t->t_m = calloc(sizeof(eip712_domain_members) /
	    sizeof(eip712_domain_members[0]), sizeof(*t->t_m))) == NULL)
		abort();
	for (i = 0; i < sizeof(eip712_domain_members) /
	    sizeof(eip712_domain_members[0]); i++) {
		if (!json_object_object_get_ex(domain,
		    eip712_domain_members[i].name, &v) || v == NULL)
			continue;
		t->t_m[t->t_nm].m_name = eip712_domain_members[i].name;
		t->t_m[t->t_nm].m_type = eip712_domain_members[i].type;
		if (eip712_parse_type(x, t->t_m[t->t_nm].m_type,
		    &t->t_m[t->t_nm].m_ft) == -1)
			abort();
		t->t_nm++;
	}
	return 0;
}

static int
eip712_cat(struct eip712 *x, struct eip712_text *tx, const char *s)
{
	size_t	 n = strlen(s), cap;

	if (n > EIP712_TEXT_MAX - tx->tx_len) {
		eip712_pop(x, 0);
		eip712_push(x, "typedData.types");
		return eip712_fail(x, "types are too large");
	}
	if (tx->tx_len + n + 1 > tx->tx_cap) {
		cap = tx->tx_cap == 0 ? 256 : tx->tx_cap;
		while (cap < tx->tx_len + n + 1)
			cap *= 2;
		if ((tx->tx_buf = realloc(tx->tx_buf, cap)) == NULL)
			abort();
		tx->tx_cap = cap;
	}
	memcpy(tx->tx_buf + tx->tx_len, s, n + 1);
	tx->tx_len += n;
	return 0;
}

/* Append "Name(type1 name1,...)" of type ti. */
static int
eip712_cat_type(struct eip712 *x, struct eip712_text *tx, int ti)
{
	const struct eip712_type	*t = &x->x_t[ti];
	size_t				 i;

	if (eip712_cat(x, tx, t->t_name) == -1 ||
	    eip712_cat(x, tx, "(") == -1)
		return -1;
	for (i = 0; i < t->t_nm; i++)
		if ((i > 0 && eip712_cat(x, tx, ",") == -1) ||
		    eip712_cat(x, tx, t->t_m[i].m_type) == -1 ||
		    eip712_cat(x, tx, " ") == -1 ||
		    eip712_cat(x, tx, t->t_m[i].m_name) == -1)
			return -1;
	return eip712_cat(x, tx, ")");
}

/* Mark in seen every struct that type ti references, itself included. */
static void
eip712_refs(const struct eip712 *x, int ti, int *seen)
{
	const struct eip712_type	*t = &x->x_t[ti];
	size_t				 i;

	if (seen[ti])
		return;
	seen[ti] = 1;
	for (i = 0; i < t->t_nm; i++)
		if (t->t_m[i].m_ft.ft_kind == EIP712_STRUCT)
			eip712_refs(x, t->t_m[i].m_ft.ft_n, seen);
}

static int
eip712_byname(const void *a, const void *b)
{
	const struct eip712_type *const	*ta = a, *const *tb = b;

	/* strcmp() compares as unsigned char: ascending byte order */
	return strcmp((*ta)->t_name, (*tb)->t_name);
}

/* encodeType(ti) into *tx: itself, then its references by name. */
static int
eip712_encode(struct eip712 *x, int ti, struct eip712_text *tx)
{
	const struct eip712_type	*refs[EIP712_TYPES + 1];
	int				 seen[EIP712_TYPES + 1];
	size_t				 i, n = 0;

	memset(seen, 0, sizeof(seen));
	eip712_refs(x, ti, seen);
	for (i = 0; i < x->x_nt; i++)
		if (seen[i] && (int)i != ti)
			refs[n++] = &x->x_t[i];
	qsort(refs, n, sizeof(refs[0]), eip712_byname);
	if (eip712_cat_type(x, tx, ti) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (eip712_cat_type(x, tx, (int)(refs[i] - x->x_t)) == -1)
			return -1;
	return 0;
}

static int
eip712_type_hash(struct eip712 *x, int ti, unsigned char out[32])
{
	struct eip712_type	*t = &x->x_t[ti];
	struct eip712_text	 tx = { NULL, 0, 0 };

	if (!t->t_hashed) {
		if (eip712_encode(x, ti, &tx) == -1) {
			free(tx.tx_buf);
			return -1;
		}
		keccak256(tx.tx_buf, tx.tx_len, t->t_hash);
		t->t_hashed = 1;
		free(tx.tx_buf);
	}
	memcpy(out, t->t_hash, 32);
	return 0;
}

/* Decode "0x" + an even number of hex digits; *n gets the byte count. */
static int
eip712_hexstr(struct json_object *v, const char **hex, size_t *n)
{
	const char	*s;
	size_t		 len, i;

	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    len % 2 != 0)
		return -1;
	for (i = 2; i < len; i++)
		if (enc_hexval(s[i]) == -1)
			return -1;
	*hex = s + 2;
	*n = (len - 2) / 2;
	return 0;
}

static unsigned char
eip712_byte(const char *hex, size_t i)
{
	return (unsigned char)(enc_hexval(hex[2 * i]) << 4 |
	    enc_hexval(hex[2 * i + 1]));
}

/*
 * Read a uintN/intN value into out as 32-byte two's complement, checking
 * the range of the type.
 */
static int
eip712_int(struct eip712 *x, const struct eip712_ftype *ft,
    struct json_object *v, unsigned char out[32])
{
	const char	*s;
	size_t		 len, i, lead;
	int64_t		 iv;
	int		 neg = 0, d, nz, j;
	unsigned int	 c, pad, top;
	uint64_t	 u;

	memset(out, 0, 32);
	if (json_object_is_type(v, json_type_int)) {
		iv = json_object_get_int64(v);
		if (iv > EIP712_SAFE || iv < -EIP712_SAFE)
			return eip712_fail(x, "integers beyond 2^53-1 must "
			    "be strings");
		neg = iv < 0;
		u = neg ? (uint64_t)-iv : (uint64_t)iv;
		for (j = 0; j < 8; j++)
			out[31 - j] = (unsigned char)(u >> (8 * j));
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			for (lead = 2; lead < len - 1 && s[lead] == '0'; lead++)
				continue;
			if (len - lead > 64)
				return eip712_fail(x, "out of range for "
				    "%sint%d", ft->ft_kind == EIP712_INT ?
				    "" : "u", ft->ft_n);
			for (i = lead; i < len; i++) {
				if ((d = enc_hexval(s[i])) == -1)
					return eip712_fail(x, "invalid hex "
					    "number");
				j = 63 - (int)(len - 1 - i);
				out[j / 2] |= (unsigned char)(j % 2 ? d :
				    d << 4);
			}
		} else {
			if (len > 0 && s[0] == '-') {
				neg = 1;
				s++;
				len--;
			}
			if (len == 0)
				return eip712_fail(x, "must be an integer");
			for (i = 0; i < len; i++) {
				if (!isdigit((unsigned char)s[i]))
					return eip712_fail(x, "must be an "
					    "integer");
				c = (unsigned int)(s[i] - '0');
				for (j = 31; j >= 0; j--) {
					c += out[j] * 10U;
					out[j] = (unsigned char)c;
					c >>= 8;
				}
				if (c != 0)
					return eip712_fail(x, "out of range "
					    "for %sint%d", ft->ft_kind ==
					    EIP712_INT ? "" : "u", ft->ft_n);
			}
		}
	} else
		return eip712_fail(x, "must be an integer or a string");

	for (nz = 0, j = 0; j < 32; j++)
		nz |= out[j];
	if (neg && ft->ft_kind == EIP712_UINT)
		return eip712_fail(x, "must not be negative");
	if (neg && nz) {
		/* two's complement: invert and add one */
		for (c = 1, j = 31; j >= 0; j--) {
			c += (unsigned char)~out[j];
			out[j] = (unsigned char)c;
			c >>= 8;
		}
	}
	/* the bytes above the type's width must extend its sign */
	lead = 32 - (size_t)ft->ft_n / 8;
	pad = neg && nz ? 0xff : 0x00;
	for (i = 0; i < lead; i++)
		if (out[i] != pad)
			goto range;
	if (ft->ft_kind == EIP712_INT) {
		top = out[lead] & 0x80;
		if ((pad == 0xff) != (top != 0))
			goto range;
	}
	return 0;
range:
	return eip712_fail(x, "out of range for %sint%d",
	    ft->ft_kind == EIP712_INT ? "" : "u", ft->ft_n);
}

/* Encode an atomic value v into its 32 bytes. */
static int
eip712_atom(struct eip712 *x, const struct eip712_ftype *ft,
    struct json_object *v, unsigned char out[32])
{
	struct keccak_ctx	 k;
	const char		*hex;
	unsigned char		 b;
	size_t			 n, i;

	memset(out, 0, 32);
	switch (ft->ft_kind) {
	case EIP712_ADDRESS:
		if (eip712_hexstr(v, &hex, &n) == -1 || n != 20)
			return eip712_fail(x, "must be an address");
		for (i = 0; i < 20; i++)
			out[12 + i] = eip712_byte(hex, i);
		return 0;
	case EIP712_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return eip712_fail(x, "must be true or false");
		out[31] = json_object_get_boolean(v) ? 1 : 0;
		return 0;
	case EIP712_STRING:
		if (!json_object_is_type(v, json_type_string))
			return eip712_fail(x, "must be a string");
		keccak256(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), out);
		return 0;
	case EIP712_BYTES:
		if (eip712_hexstr(v, &hex, &n) == -1)
			return eip712_fail(x, "must be 0x-prefixed hex bytes");
		keccak_init(&k);
		for (i = 0; i < n; i++) {
			b = eip712_byte(hex, i);
			keccak_update(&k, &b, 1);
		}
		keccak_final(&k, out);
		return 0;
	case EIP712_BYTESN:
		if (eip712_hexstr(v, &hex, &n) == -1 || n == 0 ||
		    n > (size_t)ft->ft_n)
			return eip712_fail(x, "must be 0x-prefixed hex of 1 "
			    "to %d bytes", ft->ft_n);
		for (i = 0; i < n; i++)
			out[i] = eip712_byte(hex, i);
		return 0;
	case EIP712_UINT:
	case EIP712_INT:
		return eip712_int(x, ft, v, out);
	case EIP712_STRUCT:
		break;
	}
	abort();
}

/*
 * Encode v as the type ft with its first ndims array dimensions, at
 * nesting depth `depth', into out.
 */
static int
eip712_enc(struct eip712 *x, const struct eip712_ftype *ft, int ndims,
    struct json_object *v, int depth, unsigned char out[32])
{
	struct keccak_ctx	 k;
	unsigned char		 el[32];
	size_t			 n, i, was;
	int			 want;

	if (ndims > 0) {
		if (depth >= EIP712_DEPTH)
			return eip712_fail(x, "nested more than %d deep",
			    EIP712_DEPTH);
		if (!json_object_is_type(v, json_type_array))
			return eip712_fail(x, "must be an array");
		n = json_object_array_length(v);
		want = ft->ft_dims[ndims - 1];
		if (want != -1 && n != (size_t)want)
			return eip712_fail(x, "must have %d elements", want);
		if (n > EIP712_ELEMS)
			return eip712_fail(x, "more than %d elements",
			    EIP712_ELEMS);
		keccak_init(&k);
		for (i = 0; i < n; i++) {
			was = eip712_push(x, "[%zu]", i);
			if (eip712_enc(x, ft, ndims - 1,
			    json_object_array_get_idx(v, i), depth + 1,
			    el) == -1)
				return -1;
			eip712_pop(x, was);
			keccak_update(&k, el, sizeof(el));
		}
		keccak_final(&k, out);
		return 0;
	}
	if (ft->ft_kind == EIP712_STRUCT) {
		/* v4: a missing struct is 32 zero bytes */
		if (v == NULL) {
			memset(out, 0, 32);
			return 0;
		}
		if (depth >= EIP712_DEPTH)
			return eip712_fail(x, "nested more than %d deep",
			    EIP712_DEPTH);
		return eip712_hash_struct(x, ft->ft_n, v, depth + 1, out);
	}
	if (v == NULL)
		return eip712_fail(x, "is required");
	return eip712_atom(x, ft, v, out);
}

/* hashStruct(type ti, v) into out; v is the object at x's path. */
static int
eip712_hash_struct(struct eip712 *x, int ti, struct json_object *v,
    int depth, unsigned char out[32])
{
	const struct eip712_type	*t = &x->x_t[ti];
	const struct eip712_member	*m;
	struct json_object		*mv;
	struct keccak_ctx		 k;
	unsigned char			 h[32];
	size_t				 i, was;

	if (!json_object_is_type(v, json_type_object))
		return eip712_fail(x, "must be an object");
	if (eip712_type_hash(x, ti, h) == -1)
		return -1;
	keccak_init(&k);
	keccak_update(&k, h, sizeof(h));
	for (i = 0; i < t->t_nm; i++) {
		m = &t->t_m[i];
		was = eip712_push(x, ".%s", m->m_name);
		if (!json_object_object_get_ex(v, m->m_name, &mv))
			mv = NULL;
		if (eip712_enc(x, &m->m_ft, m->m_ft.ft_ndims, mv, depth,
		    h) == -1)
			return -1;
		eip712_pop(x, was);
		keccak_update(&k, h, sizeof(h));
	}
	keccak_final(&k, out);
	return 0;
}

/* Read typedData into x, with x's path at "typedData". */
static int
eip712_load(struct eip712 *x, struct json_object *td, struct verr *e)
{
	memset(x, 0, sizeof(*x));
	x->x_e = e;
	eip712_push(x, "typedData");
	if (!json_object_is_type(td, json_type_object))
		return eip712_fail(x, "must be an object");
	return eip712_read_types(x, td);
}

int
eip712_digest(struct json_object *td, unsigned char digest[32],
    unsigned char domsep[32], unsigned char msghash[32], struct verr *e)
{
	struct eip712		*x;
	struct json_object	*pt, *domain, *msg;
	struct keccak_ctx	 k;
	unsigned char		 ds[32], mh[32];
	const char		*ptname;
	size_t			 was;
	int			 ti, rc = -1;

	if ((x = malloc(sizeof(*x))) == NULL)
		abort();
	memset(mh, 0, sizeof(mh));
	if (eip712_load(x, td, e) == -1)
		goto out;
	was = eip712_push(x, ".primaryType");
	if (!json_object_object_get_ex(td, "primaryType", &pt) ||
	    !json_object_is_type(pt, json_type_string)) {
		eip712_fail(x, "must be a string");
		goto out;
	}
	ptname = json_object_get_string(pt);
	if ((ti = eip712_find(x, ptname, strlen(ptname))) == -1) {
		eip712_fail(x, "is not a type of types");
		goto out;
	}
	eip712_pop(x, was);

	was = eip712_push(x, ".domain");
	json_object_object_get_ex(td, "domain", &domain);
	if (eip712_hash_struct(x, x->x_domain, domain, 1, ds) == -1)
		goto out;
	eip712_pop(x, was);
	if (ti != x->x_domain) {
		was = eip712_push(x, ".message");
		if (!json_object_object_get_ex(td, "message", &msg) ||
		    msg == NULL) {
			eip712_fail(x, "is required");
			goto out;
		}
		if (eip712_hash_struct(x, ti, msg, 1, mh) == -1)
			goto out;
		eip712_pop(x, was);
	}

	keccak_init(&k);
	keccak_update(&k, "\x19\x01", 2);
	keccak_update(&k, ds, sizeof(ds));
	if (ti != x->x_domain)
		keccak_update(&k, mh, sizeof(mh));
	keccak_final(&k, digest);
	if (domsep != NULL)
		memcpy(domsep, ds, sizeof(ds));
	if (msghash != NULL)
		memcpy(msghash, mh, sizeof(mh));
	rc = 0;
out:
	eip712_free(x);
	free(x);
	return rc;
}

int
eip712_encode_type(struct json_object *td, const char *type, char **out,
    struct verr *e)
{
	struct eip712		*x;
	struct eip712_text	 tx = { NULL, 0, 0 };
	int			 ti, rc = -1;

	*out = NULL;
	if ((x = malloc(sizeof(*x))) == NULL)
		abort();
	if (eip712_load(x, td, e) == -1)
		goto out;
	if ((ti = eip712_find(x, type, strlen(type))) == -1) {
		eip712_push(x, ".primaryType");
		eip712_fail(x, "is not a type of types");
		goto out;
	}
	if (eip712_encode(x, ti, &tx) == -1)
		goto out;
	*out = tx.tx_buf;
	tx.tx_buf = NULL;
	rc = 0;
out:
	free(tx.tx_buf);
	eip712_free(x);
	free(x);
	return rc;
}
