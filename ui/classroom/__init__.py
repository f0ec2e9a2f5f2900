"""The live class in the app: joining, the teacher's page, following, questions."""
