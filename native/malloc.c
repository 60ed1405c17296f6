/*
 * dq's glibc allocator setting (optional; see README, Performance). Loading this Node-API module sets
 * M_MMAP_THRESHOLD once for the whole process: blocks from 128 KiB up get their own mapping, returned to the
 * system when freed. glibc's default threshold rises after each such block is freed (up to 32 MiB), after which
 * large typed arrays and buffers come from the heap and their memory stays with the process when they die.
 * It exports nothing. No Node headers are needed: the one Node-API entry point is declared here.
 */
#include <malloc.h>

#ifndef DQ_MMAP_THRESHOLD
#define DQ_MMAP_THRESHOLD (128 * 1024)
#endif

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  (void)env;
  mallopt(M_MMAP_THRESHOLD, DQ_MMAP_THRESHOLD);
  return exports;
}

/* Node-API version 1 is all this module needs. */
__attribute__((visibility("default"))) int node_api_module_get_api_version_v1(void) { return 1; }
