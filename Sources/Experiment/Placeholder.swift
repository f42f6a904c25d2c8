// Placeholder until the Experiment module lands; replaced by its first real file.
