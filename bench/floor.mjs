// Deliberately empty: the cold-start floor imports this to time Node's own share of a cold start.
export {};
