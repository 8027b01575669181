/*
 * The CUnit runner's suites: each tests/unit/test_<module>.c exposes one
 * function that adds its suite to the registry.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdlib.h>

void	test_router_suite(void);
void	test_cfg_suite(void);
void	test_json_suite(void);
void	test_verr_suite(void);
void	test_super_suite(void);
void	test_http_suite(void);
void	test_jwt_suite(void);
void	test_valid_suite(void);
void	test_keccak_suite(void);
void	test_eth_key_suite(void);
void	test_pwhash_suite(void);
void	test_multipart_suite(void);
void	test_media_suite(void);
void	test_blurhash_suite(void);
void	test_mproc_suite(void);
void	test_eth_rlp_suite(void);
void	test_eth_712_suite(void);
void	test_eth_sig_suite(void);
void	test_eth_tx_suite(void);
void	test_u256_suite(void);
void	test_rds_cluster_suite(void);
void	test_vis_suite(void);
void	test_buf_suite(void);
void	test_rkey_suite(void);
void	test_otp_suite(void);
void	test_strip_suite(void);
void	test_sigv4_suite(void);
void	test_page_suite(void);

#define UNIT_ADD(suite, name, fn)					\
	do {								\
		if (CU_add_test((suite), (name), (fn)) == NULL)		\
			abort();					\
	} while (0)

#endif
