// Placeholder until the NeuralNetwork tests land.
