// Placeholder until the SweepCoordinator module lands; replaced by its first real file.
