// Placeholder until the Datasets module lands; replaced by its first real file.
