/*
 * EIP-712 typed structured data hashing, version 4 (eth_signTypedData_v4
 * as MetaMask and ethers compute it), with the rules and limits of
 * spec/API.md section 3.8.9.  Errors are 400 validation_failed naming
 * the offending member as a path into the request's typedData, e.g.
 * "typedData.message.to.wallet" or "typedData.message.members[1].name".
 */
#ifndef ETH_712_H
#define ETH_712_H

struct json_object;
struct verr;

#define ETH_712_TYPES	64	/* struct types in `types' */
#define ETH_712_MEMBERS	64	/* members of one struct type */
#define ETH_712_DEPTH	16	/* nested structs and arrays */
#define ETH_712_ELEMS	1024	/* elements of one array */

/*
 * Hash typedData ({types, primaryType, domain, message}, borrowed) into
 * the 32-byte digest to sign: keccak256(0x19 0x01 || domain separator ||
 * hashStruct(message)).  When not NULL, domsep gets the domain
 * separator and msghash hashStruct(primaryType, message), 32 zero bytes
 * when primaryType is EIP712Domain.  Fails with 400 validation_failed.
 */
int	eth_712_digest(struct json_object *td, unsigned char digest[32],
	    unsigned char domsep[32], unsigned char msghash[32],
	    struct verr *e);

/*
 * encodeType(type) of typedData's types, as text in *out (malloc'd, the
 * caller frees it), e.g. "Mail(Person from,...)Person(...)".  The
 * EIP712Domain type is derived from the domain when types lacks it.
 * Fails with 400 validation_failed.
 */
int	eth_712_encode_type(struct json_object *td, const char *type,
	    char **out, struct verr *e);

#endif
