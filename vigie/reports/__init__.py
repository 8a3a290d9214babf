"""The yearly report of each participant, in French: one mechanism (document, rendering, publication) that each
mission feeds with its sections. (The receipt of one submission is another thing: see vigie/receipts.py.)"""
