"""The one decorator every CPU kernel uses.

cache=True: compiled code is kept on disk, so only the very first run compiles.
nogil=True: a kernel running in a worker thread never freezes the app's event loop.
error_model="numpy": a division by zero gives inf/NaN as in NumPy instead of raising, which also
removes the per-division checks that stop LLVM from vectorising loops.
"""
from numba import njit

kernel = njit(cache=True, nogil=True, error_model="numpy")


# Small scalar helpers called once per weight or per neuron inside the batch loops: Numba compiles
# each function on its own and LLVM never sees across, so an ordinary call costs tens of ns there.
# inline="always" splices the helper into its caller's Numba IR instead.
inline = njit(cache=True, nogil=True, error_model="numpy", inline="always")
