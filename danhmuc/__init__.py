"""danhmuc"""
