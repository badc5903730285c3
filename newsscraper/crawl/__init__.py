"""The crawl's memory, outside the spider: the ledger of what a run asked for and still
owes, the monthly-sitemap plan kept between runs, and the store the run's components
share; the checks of its settings before it starts (``preflight``), which the
``newsscraper`` readers make too; and which download errors mean the site was not
reached (``unreachable``), as the spider and the monitors count them."""
