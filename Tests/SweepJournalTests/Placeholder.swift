// Placeholder until the SweepJournal tests land.
