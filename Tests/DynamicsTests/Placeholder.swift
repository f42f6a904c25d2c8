// Placeholder until the Dynamics tests land.
