// Placeholder until the SweepWorker tests land.
