"""Claims of the source documents, their checkers, verdicts, reports and the CLI."""
