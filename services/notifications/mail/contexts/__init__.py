"""What each template needs: one pydantic model per template, with a sample for previews."""
