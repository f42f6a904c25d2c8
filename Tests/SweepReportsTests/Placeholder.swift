// Placeholder until the SweepReports tests land.
