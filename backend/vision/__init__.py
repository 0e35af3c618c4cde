"""Photo search (拍照识别): a photo finds the product, by its barcode or by how it looks."""
