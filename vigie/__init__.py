"""Vigie: surveillance data platform for healthcare-associated infections and antimicrobial resistance."""
