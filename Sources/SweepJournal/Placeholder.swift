// Placeholder until the SweepJournal module lands; replaced by its first real file.
