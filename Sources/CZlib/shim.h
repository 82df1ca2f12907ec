// CZlib: zlib's deflate and CRC (zlib1g-dev), for Report's PNG encoder only.
#pragma once
#include <zlib.h>
