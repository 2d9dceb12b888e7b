"""Democratic appraisal of members (民主评议党员): self and mutual assessment, the branch
committee's proposal and the assembly's decision, with the year's records as evidence."""
