# Money in Chinese pages and PDFs reads like a finance document: 3,600,000.00.
# Django's zh_Hans formats set no thousands separator; every other format
# (dates, input formats) falls back to Django's own zh_Hans module.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
