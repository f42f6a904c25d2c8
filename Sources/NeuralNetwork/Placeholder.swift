// Placeholder until the NeuralNetwork module lands; replaced by its first real file.
