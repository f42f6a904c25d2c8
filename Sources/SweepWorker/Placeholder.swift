// Placeholder until the SweepWorker module lands; replaced by its first real file.
