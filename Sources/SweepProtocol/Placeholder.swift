// Placeholder until the SweepProtocol module lands; replaced by its first real file.
