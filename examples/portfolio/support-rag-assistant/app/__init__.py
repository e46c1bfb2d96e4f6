"""Support assistant: retrieval-augmented answers over the help-centre docs."""
