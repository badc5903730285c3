"""The crawl's memory, outside the spider: the ledger of what a run asked for and still
owes, the monthly-sitemap plan kept between runs, and the store the run's components
share; and the checks of its settings before it starts (``preflight``), which the
``newsscraper`` readers make too."""
