// Placeholder until the Dynamics module lands; replaced by its first real file.
