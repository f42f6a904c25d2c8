// Placeholder until the SweepCoordinator tests land.
