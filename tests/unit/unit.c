/*
 * Runs every CUnit suite and exits non-zero when any assertion failed,
 * so automake's `make check' reports it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "unit.h"

int
main(void)
{
	unsigned int	 failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	test_router_suite();
	test_cfg_suite();
	test_json_suite();
	test_verr_suite();
	test_super_suite();
	test_http_suite();
	test_jwt_suite();
	test_valid_suite();
	test_keccak_suite();
	test_eth_key_suite();
	test_pwhash_suite();
	test_multipart_suite();
	test_media_suite();
	test_eth_rlp_suite();
	test_eth_712_suite();
	test_eth_sig_suite();
	test_eth_tx_suite();
	test_u256_suite();
	test_rds_cluster_suite();
	test_vis_suite();
	test_page_suite();
	test_buf_suite();
	test_rkey_suite();
	test_otp_suite();
	test_strip_suite();
	test_sigv4_suite();
	test_blurhash_suite();
	test_mproc_suite();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
	    CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
