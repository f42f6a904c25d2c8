// libzmq (apt: libzmq3-dev). Only ZeroMQTransport imports this module; it has no API of its own.
#include <zmq.h>
