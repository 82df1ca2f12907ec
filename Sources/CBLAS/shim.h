// CBLAS: OpenBLAS's C interface (Debian's libopenblas-dev); only EBMCore's BLAS.swift imports it.
#pragma once
#include <cblas.h>
