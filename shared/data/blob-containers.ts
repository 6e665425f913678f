/** Blob containers: the local stack creates them and `infra/` provisions them. */
export const documentContainers = {
  /** Where residents' uploads land, unseen by anyone, until scanned. */
  quarantine: 'quarantine',
  /** Clean, stripped documents and photos, private to owner and staff. */
  documents: 'documents',
  /** Subject access exports: private, served only through short-lived read links, deleted after a week. */
  exports: 'exports',
} as const;

/** The data lake's containers (a separate ADLS Gen2 account in Azure; Azurite locally). */
export const dataLakeContainers = {
  /** The open data set: anonymous, public by design (decision 1120). */
  openData: 'open-data',
} as const;
