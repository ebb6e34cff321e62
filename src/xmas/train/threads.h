// How many CPU threads libtorch uses, set in one place for `xmas train` and
// `xmas trajectories` (BENCHMARKS.md, "Threads").
//
// Intra-op threads (OpenMP; OpenBLAS's OpenMP build uses the same pool) are
// what --threads sets: they split one operator's work. Inter-op threads
// (libtorch's pool for running independent operators at once) are fixed at
// one: xmas runs its operators in sequence, so a second pool would only add
// threads competing for the cores.
//
// Waiting policy: an OpenMP thread that finishes its share spins (busy-waits)
// for the next parallel region unless OMP_WAIT_POLICY=PASSIVE. On a machine
// whose other cores are busy a spinning thread takes the core from the
// thread doing the work, and a 2-thread run became 8-10x slower than alone.
// libgomp reads the policy once, when it is loaded, so `xmas` sets
// OMP_WAIT_POLICY=PASSIVE (unless the user set it) in the environment of the
// xmas-torch process it starts (tools/xmas/hand_off.cpp); ThreadSettings()
// reports what the process runs with.
#pragma once

#include <cstdint>
#include <string>

namespace xmas::train {

// Intra-op threads = `intra_op` (> 0; 0 leaves libtorch's choice) and, the
// first time in the process, one inter-op thread (libtorch allows setting that
// only before its pool starts; later calls leave it).
void SetTorchThreads(int64_t intra_op);

// "intra-op N, inter-op M, OMP_WAIT_POLICY=..." for the log.
std::string ThreadSettings();

}  // namespace xmas::train
