// Placeholder until the Configuration module lands; replaced by its first real file.
