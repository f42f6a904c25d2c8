// Placeholder until the ZeroMQTransport module lands; replaced by its first real file.
