// Placeholder until the ZeroMQTransport tests land.
