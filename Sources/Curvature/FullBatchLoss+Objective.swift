import NeuralNetwork

/// The network's full-batch loss is the objective the engine studies.
extension FullBatchLoss: Objective {}
