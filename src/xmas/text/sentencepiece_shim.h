// The C interface of libxmas_sentencepiece.so, a small shim around
// libsentencepiece that xmas loads with dlopen (see sentencepiece_api.h).
//
// Why a shim: Debian's libsentencepiece exports its own bundled copy of
// protobuf-lite (3.14), while libtorch needs the system libprotobuf (3.21).
// Linked into one process the two copies interpose on each other and the
// process aborts. Loaded with RTLD_LOCAL | RTLD_DEEPBIND (in sanitizer
// builds: into a link namespace of its own), the shim and libsentencepiece
// resolve protobuf to their own copy and stay invisible to libtorch. A plain
// C interface keeps C++ types from crossing the boundary.
//
// Buffers returned through `char**`/`int**` are malloc'd by the shim and
// released with xmas_spm_free_buffer. Functions returning int give 0 on
// success; on failure they set *error (also to be freed).
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XMAS_SPM_EXPORT __attribute__((visibility("default")))

typedef struct XmasSpm XmasSpm;

enum XmasSpmSpecial { XMAS_SPM_BOS = 0, XMAS_SPM_EOS = 1, XMAS_SPM_UNK = 2, XMAS_SPM_PAD = 3 };

XMAS_SPM_EXPORT XmasSpm* xmas_spm_load(const char* proto, size_t proto_len, char** error);
XMAS_SPM_EXPORT void xmas_spm_free(XmasSpm* spm);
XMAS_SPM_EXPORT void xmas_spm_free_buffer(void* buffer);
XMAS_SPM_EXPORT int xmas_spm_piece_size(const XmasSpm* spm);
XMAS_SPM_EXPORT int xmas_spm_special_id(const XmasSpm* spm, int which);
XMAS_SPM_EXPORT int xmas_spm_encode(const XmasSpm* spm, const char* text, size_t text_len, int** ids,
                    size_t* num_ids, char** error);
XMAS_SPM_EXPORT int xmas_spm_decode(const XmasSpm* spm, const int* ids, size_t num_ids, char** text,
                    size_t* text_len, char** error);
// The piece of `id` (malloc'd, NUL-terminated).
XMAS_SPM_EXPORT char* xmas_spm_id_to_piece(const XmasSpm* spm, int id);
// Trains on `num_sentences` sentences with trainer flags given as key/value
// pairs; returns the serialized model.
XMAS_SPM_EXPORT int xmas_spm_train(const char* const* keys, const char* const* values, size_t num_args,
                   const char* const* sentences, const size_t* sentence_lens,
                   size_t num_sentences, char** proto, size_t* proto_len, char** error);

#ifdef __cplusplus
}
#endif
