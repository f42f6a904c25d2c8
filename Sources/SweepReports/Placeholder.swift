// Placeholder until the SweepReports module lands; replaced by its first real file.
