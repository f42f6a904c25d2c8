// Placeholder until the Experiment tests land.
