// Placeholder until the SweepProtocol tests land.
