import Curvature

/// The network's full-batch loss is the objective the engine studies: the eigen-solvers and the
/// GD runs of Curvature and Dynamics are written against `Objective`, and know no network.
extension FullBatchLoss: Objective {}
