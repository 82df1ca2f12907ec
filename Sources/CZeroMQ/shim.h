// CZeroMQ: libzmq's C API (libzmq3-dev); only the ZeroMQ module imports it.
#pragma once
#include <zmq.h>
