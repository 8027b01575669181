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
 * big-endian byte strings (u256.h), two's complement once signed.  Strings of
 * `types' are borrowed from the JSON, which outlives the computation.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "enc.h"
#include "eth_712.h"
#include "keccak.h"
#include "u256.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

/* ceiling of an encodeType text */
#define ETH_712_TEXT_MAX	(1 << 20)
#define ETH_712_SAFE	9007199254740991LL	/* 2^53 - 1 */

enum eth_712_kind {
	ETH_712_ADDRESS,
	ETH_712_BOOL,
	ETH_712_STRING,
	ETH_712_BYTES,
	ETH_712_BYTESN,		/* ft_n bytes */
	ETH_712_UINT,		/* ft_n bits */
	ETH_712_INT,		/* ft_n bits */
	ETH_712_STRUCT,		/* ft_n: index into x_t */
};

/* A parsed member type: base, then array suffixes, innermost first. */
struct eth_712_ftype {
	enum eth_712_kind	 ft_kind;
	int			 ft_n;
	int			 ft_ndims;
	int			 ft_dims[ETH_712_DEPTH];  /* -1: any length */
};

struct eth_712_member {
	const char		*m_name;
	const char		*m_type;
	struct eth_712_ftype	 m_ft;
};

struct eth_712_type {
	const char		*t_name;
	struct eth_712_member	*t_m;		/* t_nm, malloc'd */
	size_t			 t_nm;
	int			 t_hashed;	/* t_hash is valid */
	unsigned char		 t_hash[32];
};

struct eth_712 {
	/* the types, and the derived domain */
	struct eth_712_type	 x_t[ETH_712_TYPES + 1];
	size_t			 x_nt;
	int			 x_domain;	/* index of EIP712Domain */
	char			 x_path[256];	/* of the value at hand */
	size_t			 x_plen;
	struct verr		*x_e;
};

/* A growable text with a ceiling, for encodeType. */
struct eth_712_text {
	char	*tx_buf;
	size_t	 tx_len;
	size_t	 tx_cap;
};

/* ethers' order of the derived EIP712Domain members */
static const struct {
	const char	*name;
	const char	*type;
} eth_712_domain_members[] = {
	{ "name",		"string" },
	{ "version",		"string" },
	{ "chainId",		"uint256" },
	{ "verifyingContract",	"address" },
	{ "salt",		"bytes32" },
};

static int	eth_712_hash_struct(struct eth_712 *, int, struct json_object *,
		    int, unsigned char [32]);

static int
eth_712_fail(struct eth_712 *x, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return verr_field(x->x_e, x->x_path, "%s", msg);
}

/* Append to the path; returns the length to restore with eth_712_pop(). */
static size_t
eth_712_push(struct eth_712 *x, const char *fmt, ...)
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
eth_712_pop(struct eth_712 *x, size_t was)
{
	x->x_plen = was;
	x->x_path[was] = '\0';
}

static void
eth_712_free(struct eth_712 *x)
{
	size_t	 i;

	for (i = 0; i < x->x_nt; i++)
		free(x->x_t[i].t_m);
}

/* Is s a struct type name: [A-Za-z_$][A-Za-z0-9_$]*? */
static int
eth_712_ident(const char *s)
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
eth_712_size(const char *s, size_t n)
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
eth_712_find(const struct eth_712 *x, const char *s, size_t n)
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
eth_712_atomic(const char *s, size_t n, struct eth_712_ftype *ft)
{
	int	 v;

	if (n == 7 && memcmp(s, "address", 7) == 0)
		ft->ft_kind = ETH_712_ADDRESS;
	else if (n == 4 && memcmp(s, "bool", 4) == 0)
		ft->ft_kind = ETH_712_BOOL;
	else if (n == 6 && memcmp(s, "string", 6) == 0)
		ft->ft_kind = ETH_712_STRING;
	else if (n == 5 && memcmp(s, "bytes", 5) == 0)
		ft->ft_kind = ETH_712_BYTES;
	else if (n > 5 && memcmp(s, "bytes", 5) == 0) {
		if ((v = eth_712_size(s + 5, n - 5)) < 1 || v > 32)
			return -1;
		ft->ft_kind = ETH_712_BYTESN;
		ft->ft_n = v;
	} else if (n > 4 && memcmp(s, "uint", 4) == 0) {
		if ((v = eth_712_size(s + 4, n - 4)) < 8 || v > 256 || v % 8)
			return -1;
		ft->ft_kind = ETH_712_UINT;
		ft->ft_n = v;
	} else if (n > 3 && memcmp(s, "int", 3) == 0) {
		if ((v = eth_712_size(s + 3, n - 3)) < 8 || v > 256 || v % 8)
			return -1;
		ft->ft_kind = ETH_712_INT;
		ft->ft_n = v;
	} else
		return -1;
	return 0;
}

/* Parse member type s into ft; the path names the member's "type". */
static int
eth_712_parse_type(struct eth_712 *x, const char *s, struct eth_712_ftype *ft)
{
	const char	*p, *q;
	size_t		 base;
	int		 k;

	memset(ft, 0, sizeof(*ft));
	base = strcspn(s, "[");
	for (p = s + base; *p != '\0'; p = q + 1) {
		if (*p != '[' || (q = strchr(p, ']')) == NULL)
			return eth_712_fail(x, "invalid type \"%.*s\"",
			    (int)valid_utf8_prefix(s, 64), s);
		if (ft->ft_ndims == ETH_712_DEPTH)
			return eth_712_fail(x, "too many array dimensions");
		if (q == p + 1)
			k = -1;
		else if ((k = eth_712_size(p + 1, (size_t)(q - p - 1))) < 1 ||
		    k > ETH_712_ELEMS)
			return eth_712_fail(x, "invalid array length in "
			    "\"%.*s\"", (int)valid_utf8_prefix(s, 64), s);
		ft->ft_dims[ft->ft_ndims++] = k;
	}
	if (eth_712_atomic(s, base, ft) == 0)
		return 0;
	if ((k = eth_712_find(x, s, base)) == -1)
		return eth_712_fail(x, "unknown type \"%.*s\"",
		    (int)valid_utf8_prefix(s, base > 64 ? 64 : base), s);
	ft->ft_kind = ETH_712_STRUCT;
	ft->ft_n = k;
	return 0;
}

/* Read one struct type's member array. */
static int
eth_712_read_type(struct eth_712 *x, struct eth_712_type *t,
    struct json_object *arr)
{
	struct json_object	*m, *name, *type;
	struct eth_712_member	*mm;
	size_t			 i, j, n, was, w2;

	if (!json_object_is_type(arr, json_type_array))
		return eth_712_fail(x, "must be an array of members");
	if ((n = json_object_array_length(arr)) > ETH_712_MEMBERS)
		return eth_712_fail(x, "more than %d members",
		    ETH_712_MEMBERS);
	t->t_m = xcalloc(n > 0 ? n : 1, sizeof(*t->t_m));
	t->t_nm = n;
	for (i = 0; i < n; i++) {
		mm = &t->t_m[i];
		was = eth_712_push(x, "[%zu]", i);
		m = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(m, json_type_object))
			return eth_712_fail(x, "must be an object with name "
			    "and type");
		w2 = eth_712_push(x, ".name");
		if (!json_object_object_get_ex(m, "name", &name) ||
		    !json_object_is_type(name, json_type_string))
			return eth_712_fail(x, "must be a string");
		mm->m_name = json_object_get_string(name);
		/* these would make encodeType ambiguous */
		if (*mm->m_name == '\0' || strlen(mm->m_name) !=
		    (size_t)json_object_get_string_len(name) ||
		    strpbrk(mm->m_name, "(), \t\r\n") != NULL)
			return eth_712_fail(x, "invalid member name");
		for (j = 0; j < i; j++)
			if (strcmp(t->t_m[j].m_name, mm->m_name) == 0)
				return eth_712_fail(x, "duplicate member "
				    "\"%.*s\"", (int)valid_utf8_prefix(
				    mm->m_name, 64), mm->m_name);
		eth_712_pop(x, w2);
		w2 = eth_712_push(x, ".type");
		if (!json_object_object_get_ex(m, "type", &type) ||
		    !json_object_is_type(type, json_type_string))
			return eth_712_fail(x, "must be a string");
		mm->m_type = json_object_get_string(type);
		if (strlen(mm->m_type) !=
		    (size_t)json_object_get_string_len(type))
			return eth_712_fail(x, "invalid type");
		eth_712_pop(x, w2);
		eth_712_pop(x, was);
	}
	return 0;
}

/*
 * Read typedData.types and the domain's type into x: names first, so
 * that member types may refer to any struct, then the member types.
 */
static int
eth_712_read_types(struct eth_712 *x, struct json_object *td)
{
	struct json_object	*types, *domain, *v;
	struct eth_712_type	*t;
	struct eth_712_ftype	 ft;
	size_t			 i, j, was, w2, w3;

	x->x_domain = -1;
	was = eth_712_push(x, ".types");
	if (!json_object_object_get_ex(td, "types", &types) ||
	    !json_object_is_type(types, json_type_object))
		return eth_712_fail(x, "must be an object");
	if (json_object_object_length(types) > ETH_712_TYPES)
		return eth_712_fail(x, "more than %d types", ETH_712_TYPES);
	json_object_object_foreach(types, key, val) {
		w2 = eth_712_push(x, ".%s", key);
		t = &x->x_t[x->x_nt++];
		t->t_name = key;
		/* an atomic name would make member types ambiguous */
		if (!eth_712_ident(key) ||
		    eth_712_atomic(key, strlen(key), &ft) == 0)
			return eth_712_fail(x, "invalid type name");
		if (strcmp(key, "EIP712Domain") == 0)
			x->x_domain = (int)(t - x->x_t);
		if (eth_712_read_type(x, t, val) == -1)
			return -1;
		eth_712_pop(x, w2);
	}
	for (i = 0; i < x->x_nt; i++) {
		t = &x->x_t[i];
		w2 = eth_712_push(x, ".%s", t->t_name);
		for (j = 0; j < t->t_nm; j++) {
			w3 = eth_712_push(x, "[%zu].type", j);
			if (eth_712_parse_type(x, t->t_m[j].m_type,
			    &t->t_m[j].m_ft) == -1)
				return -1;
			eth_712_pop(x, w3);
		}
		eth_712_pop(x, w2);
	}
	eth_712_pop(x, was);

	/* derive EIP712Domain from the members the domain has */
	was = eth_712_push(x, ".domain");
	if (!json_object_object_get_ex(td, "domain", &domain) ||
	    !json_object_is_type(domain, json_type_object))
		return eth_712_fail(x, "must be an object");
	eth_712_pop(x, was);
	if (x->x_domain != -1)
		return 0;
	x->x_domain = (int)x->x_nt;
	t = &x->x_t[x->x_nt++];
	t->t_name = "EIP712Domain";
	t->t_m = xcalloc(sizeof(eth_712_domain_members) /
	    sizeof(eth_712_domain_members[0]), sizeof(*t->t_m));
	for (i = 0; i < sizeof(eth_712_domain_members) /
	    sizeof(eth_712_domain_members[0]); i++) {
		if (!json_object_object_get_ex(domain,
		    eth_712_domain_members[i].name, &v) || v == NULL)
			continue;
		t->t_m[t->t_nm].m_name = eth_712_domain_members[i].name;
		t->t_m[t->t_nm].m_type = eth_712_domain_members[i].type;
		if (eth_712_parse_type(x, t->t_m[t->t_nm].m_type,
		    &t->t_m[t->t_nm].m_ft) == -1)
			abort();
		t->t_nm++;
	}
	return 0;
}

static int
eth_712_cat(struct eth_712 *x, struct eth_712_text *tx, const char *s)
{
	size_t	 n = strlen(s), cap;

	if (n > ETH_712_TEXT_MAX - tx->tx_len) {
		eth_712_pop(x, 0);
		eth_712_push(x, "typedData.types");
		return eth_712_fail(x, "types are too large");
	}
	if (tx->tx_len + n + 1 > tx->tx_cap) {
		cap = tx->tx_cap == 0 ? 256 : tx->tx_cap;
		while (cap < tx->tx_len + n + 1)
			cap *= 2;
		tx->tx_buf = xreallocarray(tx->tx_buf, cap, 1);
		tx->tx_cap = cap;
	}
	memcpy(tx->tx_buf + tx->tx_len, s, n + 1);
	tx->tx_len += n;
	return 0;
}

/* Append "Name(type1 name1,...)" of type ti. */
static int
eth_712_cat_type(struct eth_712 *x, struct eth_712_text *tx, int ti)
{
	const struct eth_712_type	*t = &x->x_t[ti];
	size_t				 i;

	if (eth_712_cat(x, tx, t->t_name) == -1 ||
	    eth_712_cat(x, tx, "(") == -1)
		return -1;
	for (i = 0; i < t->t_nm; i++)
		if ((i > 0 && eth_712_cat(x, tx, ",") == -1) ||
		    eth_712_cat(x, tx, t->t_m[i].m_type) == -1 ||
		    eth_712_cat(x, tx, " ") == -1 ||
		    eth_712_cat(x, tx, t->t_m[i].m_name) == -1)
			return -1;
	return eth_712_cat(x, tx, ")");
}

/* Mark in seen every struct that type ti references, itself included. */
static void
eth_712_refs(const struct eth_712 *x, int ti, int *seen)
{
	const struct eth_712_type	*t = &x->x_t[ti];
	size_t				 i;

	if (seen[ti])
		return;
	seen[ti] = 1;
	for (i = 0; i < t->t_nm; i++)
		if (t->t_m[i].m_ft.ft_kind == ETH_712_STRUCT)
			eth_712_refs(x, t->t_m[i].m_ft.ft_n, seen);
}

static int
eth_712_byname(const void *a, const void *b)
{
	const struct eth_712_type *const	*ta = a, *const *tb = b;

	/* strcmp() compares as unsigned char: ascending byte order */
	return strcmp((*ta)->t_name, (*tb)->t_name);
}

/* encodeType(ti) into *tx: itself, then its references by name. */
static int
eth_712_encode(struct eth_712 *x, int ti, struct eth_712_text *tx)
{
	const struct eth_712_type	*refs[ETH_712_TYPES + 1];
	int				 seen[ETH_712_TYPES + 1];
	size_t				 i, n = 0;

	memset(seen, 0, sizeof(seen));
	eth_712_refs(x, ti, seen);
	for (i = 0; i < x->x_nt; i++)
		if (seen[i] && (int)i != ti)
			refs[n++] = &x->x_t[i];
	qsort(refs, n, sizeof(refs[0]), eth_712_byname);
	if (eth_712_cat_type(x, tx, ti) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (eth_712_cat_type(x, tx, (int)(refs[i] - x->x_t)) == -1)
			return -1;
	return 0;
}

static int
eth_712_type_hash(struct eth_712 *x, int ti, unsigned char out[32])
{
	struct eth_712_type	*t = &x->x_t[ti];
	struct eth_712_text	 tx = { NULL, 0, 0 };

	if (!t->t_hashed) {
		if (eth_712_encode(x, ti, &tx) == -1) {
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
eth_712_hexstr(struct json_object *v, const char **hex, size_t *n)
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
eth_712_byte(const char *hex, size_t i)
{
	return (unsigned char)(enc_hexval(hex[2 * i]) << 4 |
	    enc_hexval(hex[2 * i + 1]));
}

/*
 * Read a uintN/intN value into out as 32-byte two's complement, checking
 * the range of the type.
 */
static int
eth_712_int(struct eth_712 *x, const struct eth_712_ftype *ft,
    struct json_object *v, unsigned char out[32])
{
	static const unsigned char	 zero[U256_LEN];
	const char			*s;
	size_t				 len, i, lead;
	int64_t				 iv;
	int				 neg = 0, rc, nz;
	unsigned int			 pad, top;

	memset(out, 0, 32);
	if (json_object_is_type(v, json_type_int)) {
		iv = json_object_get_int64(v);
		if (iv > ETH_712_SAFE || iv < -ETH_712_SAFE)
			return eth_712_fail(x, "integers beyond 2^53-1 must "
			    "be strings");
		neg = iv < 0;
		u256_from_u64(neg ? (uint64_t)-iv : (uint64_t)iv, out);
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			if ((rc = u256_from_hex(s + 2, len - 2, out)) == -1)
				return eth_712_fail(x, "invalid hex number");
		} else {
			if (len > 0 && s[0] == '-') {
				neg = 1;
				s++;
				len--;
			}
			if ((rc = u256_from_dec(s, len, out)) == -1)
				return eth_712_fail(x, "must be an integer");
		}
		if (rc == -2)
			goto range;
	} else
		return eth_712_fail(x, "must be an integer or a string");

	nz = !u256_is_zero(out);
	if (neg && ft->ft_kind == ETH_712_UINT)
		return eth_712_fail(x, "must not be negative");
	/* two's complement of a negative value: 0 - |v| */
	if (neg && nz)
		(void)u256_sub(zero, out, out);
	/* the bytes above the type's width must extend its sign */
	lead = 32 - (size_t)ft->ft_n / 8;
	pad = neg && nz ? 0xff : 0x00;
	for (i = 0; i < lead; i++)
		if (out[i] != pad)
			goto range;
	if (ft->ft_kind == ETH_712_INT) {
		top = out[lead] & 0x80;
		if ((pad == 0xff) != (top != 0))
			goto range;
	}
	return 0;
range:
	return eth_712_fail(x, "out of range for %sint%d",
	    ft->ft_kind == ETH_712_INT ? "" : "u", ft->ft_n);
}

/* Encode an atomic value v into its 32 bytes. */
static int
eth_712_atom(struct eth_712 *x, const struct eth_712_ftype *ft,
    struct json_object *v, unsigned char out[32])
{
	struct keccak_ctx	 k;
	const char		*hex;
	unsigned char		 b;
	size_t			 n, i;

	memset(out, 0, 32);
	switch (ft->ft_kind) {
	case ETH_712_ADDRESS:
		if (eth_712_hexstr(v, &hex, &n) == -1 || n != 20)
			return eth_712_fail(x, "must be an address");
		for (i = 0; i < 20; i++)
			out[12 + i] = eth_712_byte(hex, i);
		return 0;
	case ETH_712_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return eth_712_fail(x, "must be true or false");
		out[31] = json_object_get_boolean(v) ? 1 : 0;
		return 0;
	case ETH_712_STRING:
		if (!json_object_is_type(v, json_type_string))
			return eth_712_fail(x, "must be a string");
		keccak256(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), out);
		return 0;
	case ETH_712_BYTES:
		if (eth_712_hexstr(v, &hex, &n) == -1)
			return eth_712_fail(x, "must be 0x-prefixed hex bytes");
		keccak_init(&k);
		for (i = 0; i < n; i++) {
			b = eth_712_byte(hex, i);
			keccak_update(&k, &b, 1);
		}
		keccak_final(&k, out);
		return 0;
	case ETH_712_BYTESN:
		if (eth_712_hexstr(v, &hex, &n) == -1 || n == 0 ||
		    n > (size_t)ft->ft_n)
			return eth_712_fail(x, "must be 0x-prefixed hex of 1 "
			    "to %d bytes", ft->ft_n);
		for (i = 0; i < n; i++)
			out[i] = eth_712_byte(hex, i);
		return 0;
	case ETH_712_UINT:
	case ETH_712_INT:
		return eth_712_int(x, ft, v, out);
	case ETH_712_STRUCT:
		break;
	}
	abort();
}

/*
 * Encode v as the type ft with its first ndims array dimensions, at
 * nesting depth `depth', into out.
 */
static int
eth_712_enc(struct eth_712 *x, const struct eth_712_ftype *ft, int ndims,
    struct json_object *v, int depth, unsigned char out[32])
{
	struct keccak_ctx	 k;
	unsigned char		 el[32];
	size_t			 n, i, was;
	int			 want;

	if (ndims > 0) {
		if (depth >= ETH_712_DEPTH)
			return eth_712_fail(x, "nested more than %d deep",
			    ETH_712_DEPTH);
		if (!json_object_is_type(v, json_type_array))
			return eth_712_fail(x, "must be an array");
		n = json_object_array_length(v);
		want = ft->ft_dims[ndims - 1];
		if (want != -1 && n != (size_t)want)
			return eth_712_fail(x, "must have %d elements", want);
		if (n > ETH_712_ELEMS)
			return eth_712_fail(x, "more than %d elements",
			    ETH_712_ELEMS);
		keccak_init(&k);
		for (i = 0; i < n; i++) {
			was = eth_712_push(x, "[%zu]", i);
			if (eth_712_enc(x, ft, ndims - 1,
			    json_object_array_get_idx(v, i), depth + 1,
			    el) == -1)
				return -1;
			eth_712_pop(x, was);
			keccak_update(&k, el, sizeof(el));
		}
		keccak_final(&k, out);
		return 0;
	}
	if (ft->ft_kind == ETH_712_STRUCT) {
		/* v4: a missing struct is 32 zero bytes */
		if (v == NULL) {
			memset(out, 0, 32);
			return 0;
		}
		if (depth >= ETH_712_DEPTH)
			return eth_712_fail(x, "nested more than %d deep",
			    ETH_712_DEPTH);
		return eth_712_hash_struct(x, ft->ft_n, v, depth + 1, out);
	}
	if (v == NULL)
		return eth_712_fail(x, "is required");
	return eth_712_atom(x, ft, v, out);
}

/* hashStruct(type ti, v) into out; v is the object at x's path. */
static int
eth_712_hash_struct(struct eth_712 *x, int ti, struct json_object *v,
    int depth, unsigned char out[32])
{
	const struct eth_712_type	*t = &x->x_t[ti];
	const struct eth_712_member	*m;
	struct json_object		*mv;
	struct keccak_ctx		 k;
	unsigned char			 h[32];
	size_t				 i, was;

	if (!json_object_is_type(v, json_type_object))
		return eth_712_fail(x, "must be an object");
	if (eth_712_type_hash(x, ti, h) == -1)
		return -1;
	keccak_init(&k);
	keccak_update(&k, h, sizeof(h));
	for (i = 0; i < t->t_nm; i++) {
		m = &t->t_m[i];
		was = eth_712_push(x, ".%s", m->m_name);
		if (!json_object_object_get_ex(v, m->m_name, &mv))
			mv = NULL;
		if (eth_712_enc(x, &m->m_ft, m->m_ft.ft_ndims, mv, depth,
		    h) == -1)
			return -1;
		eth_712_pop(x, was);
		keccak_update(&k, h, sizeof(h));
	}
	keccak_final(&k, out);
	return 0;
}

/* Read typedData into x, with x's path at "typedData". */
static int
eth_712_load(struct eth_712 *x, struct json_object *td, struct verr *e)
{
	memset(x, 0, sizeof(*x));
	x->x_e = e;
	eth_712_push(x, "typedData");
	if (!json_object_is_type(td, json_type_object))
		return eth_712_fail(x, "must be an object");
	return eth_712_read_types(x, td);
}

int
eth_712_digest(struct json_object *td, unsigned char digest[32],
    unsigned char domsep[32], unsigned char msghash[32], struct verr *e)
{
	struct eth_712		*x;
	struct json_object	*pt, *domain, *msg;
	struct keccak_ctx	 k;
	unsigned char		 ds[32], mh[32];
	const char		*ptname;
	size_t			 was;
	int			 ti, rc = -1;

	x = xmalloc(sizeof(*x));
	memset(mh, 0, sizeof(mh));
	if (eth_712_load(x, td, e) == -1)
		goto out;
	was = eth_712_push(x, ".primaryType");
	if (!json_object_object_get_ex(td, "primaryType", &pt) ||
	    !json_object_is_type(pt, json_type_string)) {
		eth_712_fail(x, "must be a string");
		goto out;
	}
	ptname = json_object_get_string(pt);
	if ((ti = eth_712_find(x, ptname, strlen(ptname))) == -1) {
		eth_712_fail(x, "is not a type of types");
		goto out;
	}
	eth_712_pop(x, was);

	was = eth_712_push(x, ".domain");
	json_object_object_get_ex(td, "domain", &domain);
	if (eth_712_hash_struct(x, x->x_domain, domain, 1, ds) == -1)
		goto out;
	eth_712_pop(x, was);
	if (ti != x->x_domain) {
		was = eth_712_push(x, ".message");
		if (!json_object_object_get_ex(td, "message", &msg) ||
		    msg == NULL) {
			eth_712_fail(x, "is required");
			goto out;
		}
		if (eth_712_hash_struct(x, ti, msg, 1, mh) == -1)
			goto out;
		eth_712_pop(x, was);
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
	eth_712_free(x);
	free(x);
	return rc;
}

int
eth_712_encode_type(struct json_object *td, const char *type, char **out,
    struct verr *e)
{
	struct eth_712		*x;
	struct eth_712_text	 tx = { NULL, 0, 0 };
	int			 ti, rc = -1;

	*out = NULL;
	x = xmalloc(sizeof(*x));
	if (eth_712_load(x, td, e) == -1)
		goto out;
	if ((ti = eth_712_find(x, type, strlen(type))) == -1) {
		eth_712_push(x, ".primaryType");
		eth_712_fail(x, "is not a type of types");
		goto out;
	}
	if (eth_712_encode(x, ti, &tx) == -1)
		goto out;
	*out = tx.tx_buf;
	tx.tx_buf = NULL;
	rc = 0;
out:
	free(tx.tx_buf);
	eth_712_free(x);
	free(x);
	return rc;
}
