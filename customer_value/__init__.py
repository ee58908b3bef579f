"""customer_value: orchestration for the customer profitability and customer value dbt project.

Python here only generates demo data, loads files, runs dbt, exports and reports. Every number the
pipeline computes is computed in SQL by the dbt models.
"""

__version__ = "0.1.0"
