"""newsscraper: a scheduled Scrapy pipeline that keeps a MongoDB copy of The Moscow Times."""

__version__ = "0.1.0"
